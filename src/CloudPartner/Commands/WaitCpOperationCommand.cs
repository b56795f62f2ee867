using System.Management.Automation;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>
    /// Waits for operations from the pipeline, all at once, writing each final operation as it ends: a publish at
    /// publisher sign-off, anything else at a terminal state.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "CpOperation", DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(CpOperation))]
    public sealed class WaitCpOperationCommand : CpWaitingCmdlet
    {
        private const string InputObjectSet = "InputObject";
        private const string LocationSet = "Location";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        public CpOperation[] InputObject { get; set; } = null!;

        /// <summary>Location values (relative or absolute) of the operations to wait for.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LocationSet)]
        [ValidateNotNullOrEmpty]
        public string[] Location { get; set; } = null!;

        protected override void ProcessRecord()
        {
            var session = RequireSession();
            if (ParameterSetName == InputObjectSet)
            {
                foreach (var operation in InputObject)
                {
                    ForItem(operation, () =>
                    {
                        var info = operation.Info;
                        if (info.Location is null && info.Api == Engine.Models.ApiKind.Cpp)
                        {
                            info.Location = session.Api.LocationOf(operation.PublisherId, operation.OfferId, operation.Id ?? string.Empty);
                        }

                        BeginWait(session, info, refreshFirst: true);
                    });
                }
            }
            else
            {
                foreach (var location in Location)
                {
                    ForItem(location, () =>
                    {
                        var resolved = session.Api.ResolveLocation(location);
                        BeginWait(session, Run((context, cancel) => session.Api.GetOperationAsync(resolved, context, cancel)));
                    });
                }
            }
        }
    }
}
