using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using CloudPartner.Emulator.Http;
using CloudPartner.Emulator.State;

namespace CloudPartner.Emulator.Cpp
{
    // The CPP API's answers other than offer documents (which are kept and served byte for byte), in the key order of the
    // documentation's samples. A member that is null is left out: that is how strict mode drops what no sample shows.
    internal sealed record PublisherBody(string Id, PublisherDefinition Definition)
    {
        public static PublisherBody Of(PublisherRecord publisher) =>
            new(publisher.Id, new PublisherDefinition(publisher.DisplayText, publisher.OfferTypeCategories, publisher.SellerId));
    }

    internal sealed record PublisherDefinition(string DisplayText, IReadOnlyList<string> OfferTypeCategories, long SellerId);

    internal sealed record OfferTypeBody(string Id, OfferTypeDefinition Definition);

    internal sealed record OfferTypeDefinition(string DisplayText);

    internal sealed record MessageBody(string MessageHtml, string Level, string Timestamp);

    internal sealed record StepBody(string? EstimatedTimeFrame, string Id, string StepName, string Description, string Status, IEnumerable<MessageBody> Messages, int ProgressPercentage)
    {
        /// <param name="shape">With <see cref="SignoffShape.Step"/> the sign-off step's name is its id, <c>publisher-signoff</c>.</param>
        public static IEnumerable<StepBody> Of(OperationView view, SignoffShape shape) => StepDefinition.All.Select((definition, i) => new StepBody(
            definition.EstimatedTimeFrame,
            definition.Id,
            shape == SignoffShape.Step && definition.Id == EmulatorSteps.PublisherSignoff ? definition.Id : definition.Name,
            definition.Description,
            view.Steps[i].Status,
            view.Steps[i].Messages.Select(m => new MessageBody(m.Html, m.Level, Json.Z7(m.Timestamp))),
            view.Steps[i].Progress));
    }

    internal sealed record OfferStatusBody(string Status, string[] Messages, IEnumerable<StepBody> Steps, string[] PreviewLinks, string[] LiveLinks, string? NotificationEmails);

    internal sealed record ErrorDetail(string? Code, string? Message);

    /// <summary>An operation as <c>GET …/operations/{id}</c> answers it.</summary>
    internal sealed record OperationBody(
        string? Id,
        string? SubmissionType,
        string? CreatedDateTime,
        string? LastActionDateTime,
        string Status,
        string[] Messages,
        long PublishingVersion,
        long OfferVersion,
        string CancellationRequestState,
        IEnumerable<StepBody> Steps,
        string[] PreviewLinks,
        string[] LiveLinks,
        string? NotificationEmails,
        JsonElement? Error)
    {
        /// <summary>Written as <c>"error": null</c>; a null <see cref="Error"/> is left out instead.</summary>
        private static readonly JsonElement ExplicitNull = JsonDocument.Parse("null").RootElement;

        /// <param name="strict">Only the fields the documentation's "GET operation" sample shows.</param>
        public static OperationBody Of(OperationRecord op, OperationView view, bool strict, SignoffShape shape) => new(
            strict ? null : op.Id.ToString("D"),
            strict ? null : op.SubmissionType,
            strict ? null : Json.Z7(op.Created),
            strict ? null : Json.Z7(view.LastAction),
            view.Status,
            [],
            op.PublishingVersion,
            op.OfferVersion,
            view.Running ? "canCancel" : "cannotCancel",
            StepBody.Of(view, shape),
            [],
            [],
            op.Offer.Migrated ? null : op.Emails ?? string.Empty,
            view.ErrorCode is not null ? JsonSerializer.SerializeToElement(new ErrorDetail(view.ErrorCode, view.ErrorMessage), Json.Api)
                : strict ? null : ExplicitNull);

        /// <summary>A cancellation operation: it canceled its target when it was created, so it has succeeded.</summary>
        public static OperationBody Of(CancellationRecord cancellation, string successWord, bool strict) => new(
            strict ? null : cancellation.Id.ToString("D"),
            strict ? null : "cancel",
            strict ? null : Json.Z7(cancellation.Created),
            strict ? null : Json.Z7(cancellation.Created),
            successWord,
            [],
            cancellation.Canceled.PublishingVersion,
            cancellation.Canceled.OfferVersion,
            "cannotCancel",
            [],
            [],
            [],
            cancellation.Canceled.Offer.Migrated ? null : cancellation.Emails ?? string.Empty,
            strict ? null : ExplicitNull);
    }

    /// <summary>An operation as the submissions list shows it.</summary>
    internal sealed record SubmissionBody(
        string Id,
        string OfferId,
        long OfferVersion,
        string OfferTypeId,
        string PublisherId,
        string SubmissionType,
        string SubmissionState,
        long PublishingVersion,
        string Slot,
        long Version,
        SubmissionDefinition Definition,
        string ChangedTime,
        string? CreatedDateTime)
    {
        /// <param name="strict">Only the fields the documentation's list sample shows.</param>
        public static SubmissionBody Of(OperationRecord op, OperationView view, bool strict) => new(
            op.Id.ToString("D"),
            op.Offer.OfferId,
            op.OfferVersion,
            op.Offer.OfferTypeId,
            op.Offer.Publisher.Id,
            op.SubmissionType,
            view.Status,
            op.PublishingVersion,
            op.Slot,
            op.Created.UtcTicks,
            new SubmissionDefinition(new SubmissionMetadata(op.Offer.Migrated ? null : op.Emails ?? string.Empty)),
            Json.Z7(view.LastAction),
            strict ? null : Json.Z7(op.Created));
    }

    internal sealed record SubmissionDefinition(SubmissionMetadata Metadata);

    internal sealed record SubmissionMetadata(string? Emails);
}
