using System.Collections.Concurrent;
using Prometheus;

namespace HsmKmip.Server.AdminHttp;

/// <summary>
/// One prometheus-net metric of <see cref="MeterBridge"/> with its labelled children cached by label values, so that a
/// measurement costs one dictionary look-up and no allocation (prometheus-net's <c>WithLabels</c> takes a fresh array
/// and hashes it on every call). The label set of an HsmKmip instrument is small and fixed; the cache is bounded by
/// the label values each instrument can take (operations × statuses × reasons, PKCS#11 functions…).
/// </summary>
internal sealed class BridgedMetric(Collector collector)
{
    private readonly ConcurrentDictionary<LabelKey, object> _children = new();

    /// <summary>The child for these tag values (at most <see cref="LabelKey.MaxLabels"/> tags).</summary>
    public object Child(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = LabelKey.Of(tags);
        return _children.TryGetValue(key, out var child) ? child : _children.GetOrAdd(key, Uncached(tags));
    }

    /// <summary>The child for these tag values, looked up by prometheus-net itself.</summary>
    public object Uncached(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new string[tags.Length];
        for (int i = 0; i < tags.Length; i++) labels[i] = tags[i].Value?.ToString() ?? "";
        return collector switch
        {
            Counter c => c.WithLabels(labels),
            Gauge g => g.WithLabels(labels),
            Histogram h => h.WithLabels(labels),
            _ => throw new InvalidOperationException($"Unexpected collector {collector.GetType().Name}."),
        };
    }
}

/// <summary>Up to three tag values as a dictionary key; string values compare by content (the usual case), others by their text.</summary>
internal readonly record struct LabelKey(int Count, string? A, string? B, string? C)
{
    public const int MaxLabels = 3;

    public static LabelKey Of(ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        new(tags.Length, tags.Length > 0 ? Text(tags[0].Value) : null, tags.Length > 1 ? Text(tags[1].Value) : null, tags.Length > 2 ? Text(tags[2].Value) : null);

    private static string Text(object? value) => value as string ?? value?.ToString() ?? "";
}
