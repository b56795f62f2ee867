using System.Threading;
using System.Threading.Tasks;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Models;

namespace CloudPartner.Engine.Operations
{
    /// <summary>An API whose operations can be followed: the CPP client (by location) and the Product Ingestion client (by job).</summary>
    internal interface IOperationSource
    {
        ApiConnection Connection { get; }

        /// <summary>Whether <paramref name="operation"/> carries what it takes to read it again.</summary>
        bool CanPoll(OperationInfo operation);

        /// <summary>The operation read again.</summary>
        Task<OperationInfo> RefreshOperationAsync(OperationInfo operation, CommandContext context, CancellationToken cancellationToken);

        /// <summary>The command that resumes a wait for <paramref name="operation"/> after connecting again.</summary>
        string ResumeCommand(OperationInfo operation);
    }
}
