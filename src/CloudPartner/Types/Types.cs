using System;
using CloudPartner.Engine.Cpp;
using CloudPartner.Engine.Models;

namespace CloudPartner
{
    internal static class Types
    {
        /// <summary>The engine and PowerShell enums share their names; the mapping is by name so their order cannot drift.</summary>
        public static CpOperationState Convert(OperationState state)
        {
            return (CpOperationState)Enum.Parse(typeof(CpOperationState), state.ToString());
        }

        public static CpChangeKind Convert(Engine.Offers.ChangeKind kind)
        {
            return (CpChangeKind)Enum.Parse(typeof(CpChangeKind), kind.ToString());
        }

        public static OfferSlot? Convert(CpOfferSlot? slot)
        {
            return slot.HasValue ? (OfferSlot)Enum.Parse(typeof(OfferSlot), slot.Value.ToString()) : (OfferSlot?)null;
        }
    }
}
