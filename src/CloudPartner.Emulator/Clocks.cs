using System;
using System.Threading;

namespace CloudPartner.Emulator
{
    /// <summary>The time source of the emulator: operation steps, token lifetimes and timestamps follow it.</summary>
    public interface IEmulatorClock
    {
        /// <summary>The current time.</summary>
        DateTimeOffset UtcNow { get; }
    }

    /// <summary>The real system clock.</summary>
    public sealed class SystemEmulatorClock : IEmulatorClock
    {
        /// <summary>The shared instance.</summary>
        public static SystemEmulatorClock Instance { get; } = new();

        /// <inheritdoc />
        public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;
    }

    /// <summary>A clock that only moves when told to; thread-safe.</summary>
    public sealed class ManualClock : IEmulatorClock
    {
        private long ticks;

        /// <summary>Starts at the current system time.</summary>
        public ManualClock()
            : this(DateTimeOffset.UtcNow)
        {
        }

        /// <summary>Starts at <paramref name="start"/>.</summary>
        public ManualClock(DateTimeOffset start)
        {
            ticks = start.UtcTicks;
        }

        /// <inheritdoc />
        public DateTimeOffset UtcNow => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

        /// <summary>Moves the clock forward.</summary>
        public void Advance(TimeSpan by)
        {
            if (by < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(by), by, "A manual clock only moves forward; use Set to go back.");
            }

            Interlocked.Add(ref ticks, by.Ticks);
        }

        /// <summary>Sets the clock to <paramref name="time"/>.</summary>
        public void Set(DateTimeOffset time) => Interlocked.Exchange(ref ticks, time.UtcTicks);
    }
}
