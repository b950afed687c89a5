namespace Engine.Core.Containers;

/// <summary>Docker's human-readable durations ("Less than a second", "About a minute", "5 hours"...).</summary>
internal static class HumanDuration
{
    public static string Format(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < 1)
        {
            return "Less than a second";
        }
        if (seconds == 1)
        {
            return "1 second";
        }
        if (seconds < 60)
        {
            return $"{seconds} seconds";
        }
        var minutes = (long)d.TotalMinutes;
        if (minutes == 1)
        {
            return "About a minute";
        }
        if (minutes < 60)
        {
            return $"{minutes} minutes";
        }
        var hours = (long)Math.Round(d.TotalHours);
        if (hours == 1)
        {
            return "About an hour";
        }
        if (hours < 48)
        {
            return $"{hours} hours";
        }
        if (hours < 24 * 7 * 2)
        {
            return $"{hours / 24} days";
        }
        if (hours < 24 * 30 * 2)
        {
            return $"{hours / 24 / 7} weeks";
        }
        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24 / 30} months";
        }
        return $"{hours / 24 / 365} years";
    }
}
