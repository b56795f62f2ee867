using System.Management.Automation;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Lists an offer's operations, or reads one by id, by location, or again from a CpOperation.</summary>
    [Cmdlet(VerbsCommon.Get, "CpOperation", DefaultParameterSetName = OfferSet)]
    [OutputType(typeof(CpOperation))]
    public sealed class GetCpOperationCommand : CpSessionCmdlet
    {
        private const string OfferSet = "Offer";
        private const string IdSet = "Id";
        private const string LocationSet = "Location";
        private const string InputObjectSet = "InputObject";

        [Parameter(ParameterSetName = OfferSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? PublisherId { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = OfferSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(OfferIdCompleter))]
        public string OfferId { get; set; } = string.Empty;

        /// <summary>Only operations in this status (running, succeeded, failed…); also filtered here, as the service may ignore it.</summary>
        [Parameter(ParameterSetName = OfferSet)]
        [ValidateNotNullOrEmpty]
        public string? Status { get; set; }

        /// <summary>A GUID, or the non-migrated form publisher$offer$n$slot.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IdSet)]
        [ValidateNotNullOrEmpty]
        public string OperationId { get; set; } = string.Empty;

        /// <summary>A Location or Operation-Location value, relative or absolute, in any of its forms.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = LocationSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Location { get; set; } = string.Empty;

        /// <summary>An operation to read again.</summary>
        [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
        public CpOperation InputObject { get; set; } = null!;

        protected override void ProcessRecord()
        {
            var session = RequireSession();
            switch (ParameterSetName)
            {
                case LocationSet:
                    ForItem(Location, () => WriteObject(new CpOperation(Run((context, cancel) => session.Api.GetOperationAsync(session.Api.ResolveLocation(Location), context, cancel)), Redactor)));
                    break;
                case InputObjectSet:
                    ForItem(InputObject, () =>
                    {
                        var location = InputObject.Info.Location ?? session.Api.LocationOf(InputObject.PublisherId, InputObject.OfferId, InputObject.Id ?? string.Empty);
                        WriteObject(new CpOperation(Run((context, cancel) => session.Api.GetOperationAsync(location, context, cancel)), Redactor));
                    });
                    break;
                case IdSet:
                    var publisher = RequirePublisherId(session, PublisherId);
                    ForItem(OperationId, () => WriteObject(new CpOperation(Run((context, cancel) => session.Api.GetOperationAsync(session.Api.LocationOf(publisher, OfferId, OperationId), context, cancel)), Redactor)));
                    break;
                default:
                    var owner = RequirePublisherId(session, PublisherId);
                    ForItem(OfferId, () =>
                    {
                        foreach (var operation in Run((context, cancel) => session.Api.ListOperationsAsync(owner, OfferId, Status, context, cancel)))
                        {
                            WriteObject(new CpOperation(operation, Redactor));
                        }
                    });
                    break;
            }
        }
    }
}
