namespace CloudPartner.Engine.Errors
{
    /// <summary>
    /// Every failure the module reports. The PowerShell error id is "Cp" + the name, so these names are public contract.
    /// </summary>
    public enum CpErrorKind
    {
        NotConnected,
        AuthenticationFailed,
        Unauthorized,
        AccessDenied,
        NotFound,
        BadRequest,
        Conflict,
        PreconditionFailed,
        ValidationFailed,
        Throttled,
        InvalidArgument,
        ServiceError,
        InvalidResponse,
        OperationFailed,
        OperationCanceled,
        OperationTimeout,
        UntrustedLocation,
    }
}
