using System.Linq;
using System.Management.Automation;
using CloudPartner.Infrastructure;

namespace CloudPartner.Commands
{
    /// <summary>Lists an offer's operations, or reads one by id, by location, or again from a CpOperation.</summary>
    [Cmdlet(VerbsCommon.Get, "CpOperation", DefaultParameterSetName = OfferSet)]
    [OutputType(typeof(CpOperation))]
    public sealed class GetCpOperationCommand : CpApiCmdlet
    {
        private const string OfferSet = "Offer";
        private const string IdSet = "Id";
        private const string LocationSet = "Location";
        private const string InputObjectSet = "InputObject";

        [Parameter(ParameterSetName = OfferSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
        public string? PublisherId { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = OfferSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 0, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
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
            if (ApiOf(session) == CpApi.ProductIngestion || (ParameterSetName == InputObjectSet && InputObject.Api == CpApi.ProductIngestion))
            {
                ProductIngestionRecord(session);
                return;
            }

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
                    if (string.IsNullOrEmpty(OfferId))
                    {
                        Terminate(ErrorRecords.Create(Engine.Errors.CpErrorKind.InvalidArgument, "-OperationId needs -OfferId on the CPP API: operations belong to an offer.", OperationId, "Pass -OfferId too."));
                    }

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

        /// <summary>A product's preview and live submissions, or a configure job by its id.</summary>
        private void ProductIngestionRecord(CpSession session)
        {
            IgnorePublisherId();
            var api = session.ProductIngestion;
            switch (ParameterSetName)
            {
                case LocationSet:
                    Terminate(ErrorRecords.Create(Engine.Errors.CpErrorKind.InvalidArgument, "-Location is a CPP operation address; on the Product Ingestion API name the job with -OperationId.", Location, null));
                    break;
                case InputObjectSet:
                    ForItem(InputObject, () => WriteObject(new CpOperation(InputObject.JobId != null
                        ? Run((context, cancel) => api.RefreshOperationAsync(InputObject.Info, context, cancel))
                        : Run((context, cancel) => api.ListOperationsAsync(InputObject.OfferId, context, cancel)).FirstOrDefault(o => o.Id == InputObject.Id)
                            ?? throw new Engine.Errors.CpException(Engine.Errors.CpErrorKind.NotFound, $"Submission {InputObject.Id} of product '{InputObject.OfferId}' is no longer listed."), Redactor)));
                    break;
                case IdSet:
                    ForItem(OperationId, () => WriteObject(new CpOperation(Run((context, cancel) => api.GetJobOperationAsync(OperationId, OfferId, context, cancel)), Redactor)));
                    break;
                default:
                    ForItem(OfferId, () =>
                    {
                        foreach (var operation in Run((context, cancel) => api.ListOperationsAsync(OfferId, context, cancel)))
                        {
                            if (string.IsNullOrEmpty(Status) || string.Equals(operation.State.ToString(), Status, System.StringComparison.OrdinalIgnoreCase) || (operation.Status ?? string.Empty).StartsWith(Status, System.StringComparison.OrdinalIgnoreCase))
                            {
                                WriteObject(new CpOperation(operation, Redactor));
                            }
                        }
                    });
                    break;
            }
        }
    }
}
