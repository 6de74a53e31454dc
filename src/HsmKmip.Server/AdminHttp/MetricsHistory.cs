using System.Globalization;
using Prometheus;

namespace HsmKmip.Server.AdminHttp;

/// <summary>One point of the health page's charts: rates and latencies over the interval that ended at <see cref="Time"/>.</summary>
/// <param name="Time">End of the interval.</param>
/// <param name="OperationsPerSecond">Batch items answered per second, by Result Status ("Success", "OperationFailed", …).</param>
/// <param name="LatencyP50">Median batch item latency (ms), NaN when no item ended.</param>
/// <param name="LatencyP99">99th percentile batch item latency (ms), NaN when no item ended.</param>
/// <param name="HsmP99">99th percentile PKCS#11 call latency (ms), NaN without calls.</param>
/// <param name="StoreP99">99th percentile store commit latency (ms), NaN without commits.</param>
/// <param name="OpenConnections">KMIP connections open at the end.</param>
internal sealed record MetricsSample(DateTimeOffset Time, IReadOnlyDictionary<string, double> OperationsPerSecond, double LatencyP50, double LatencyP99, double HsmP99,
    double StoreP99, double OpenConnections);

/// <summary>
/// The last ~15 minutes of the metrics that matter, for the console's health charts: every <see cref="Interval"/> the
/// daemon's own Prometheus registry (the numbers /metrics exports, nothing counted twice) is read, and the difference
/// from the previous reading becomes one <see cref="MetricsSample"/> in a ring of <see cref="Capacity"/> — kept in memory
/// only, gone at a restart (Prometheus keeps history; this answers "what happened just now" without one).
/// </summary>
internal sealed class MetricsHistory : IAsyncDisposable
{
    /// <summary>15 minutes at the default interval.</summary>
    public const int Capacity = 180;

    private readonly CollectorRegistry _registry;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Queue<MetricsSample> _samples = new(Capacity);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private (DateTimeOffset Time, Dictionary<string, double> Values)? _last;

    public MetricsHistory(CollectorRegistry registry, TimeProvider time, TimeSpan interval)
    {
        _registry = registry;
        _time = time;
        Interval = interval;
        _loop = RunAsync(_stop.Token);
    }

    /// <summary>Time between samples (5 s by default).</summary>
    public TimeSpan Interval { get; }

    /// <summary>The samples, oldest first.</summary>
    public IReadOnlyList<MetricsSample> Samples
    {
        get
        {
            lock (_gate) return _samples.ToArray();
        }
    }

    private async Task RunAsync(CancellationToken token)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            await SampleAsync(token).ConfigureAwait(false);
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false)) await SampleAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped with the admin listener.
        }
    }

    /// <summary>Reads the registry once and, from the second reading on, appends the interval's sample.</summary>
    internal async Task SampleAsync(CancellationToken token)
    {
        using var text = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(text, token).ConfigureAwait(false);
        var values = PrometheusText.Parse(text.ToArray());
        var now = _time.GetUtcNow();
        var previous = _last;
        _last = (now, values);
        if (previous is not { } before) return;
        double seconds = Math.Max((now - before.Time).TotalSeconds, 0.001);
        var sample = new MetricsSample(now, RatesByStatus(before.Values, values, seconds),
            Quantile(before.Values, values, "hsmkmip_operation_duration_seconds", 0.50), Quantile(before.Values, values, "hsmkmip_operation_duration_seconds", 0.99),
            Quantile(before.Values, values, "hsmkmip_hsm_call_duration_seconds", 0.99), Quantile(before.Values, values, "hsmkmip_store_commit_duration_seconds", 0.99),
            Sum(values, "hsmkmip_connections_open"));
        lock (_gate)
        {
            if (_samples.Count == Capacity) _samples.Dequeue();
            _samples.Enqueue(sample);
        }
    }

    private static Dictionary<string, double> RatesByStatus(Dictionary<string, double> before, Dictionary<string, double> now, double seconds)
    {
        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (series, value) in now)
        {
            if (!series.StartsWith("hsmkmip_operations_total{", StringComparison.Ordinal)) continue;
            var status = PrometheusText.Label(series, "status") ?? "unknown";
            rates[status] = rates.GetValueOrDefault(status) + Math.Max(0, value - before.GetValueOrDefault(series)) / seconds;
        }
        return rates;
    }

    /// <summary>
    /// The <paramref name="q"/> quantile (ms) of what a histogram observed between two readings, over all its label sets,
    /// interpolated inside the bucket it falls in (as PromQL's histogram_quantile does); NaN when nothing was observed.
    /// </summary>
    private static double Quantile(Dictionary<string, double> before, Dictionary<string, double> now, string histogram, double q)
    {
        var byBound = new SortedDictionary<double, double>();
        var prefix = histogram + "_bucket{";
        foreach (var (series, value) in now)
        {
            if (!series.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var le = PrometheusText.Label(series, "le");
            double bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le!, CultureInfo.InvariantCulture);
            byBound[bound] = byBound.GetValueOrDefault(bound) + Math.Max(0, value - before.GetValueOrDefault(series));
        }
        if (byBound.Count == 0 || byBound.Last().Value <= 0) return double.NaN;
        double total = byBound.Last().Value, target = q * total, lower = 0, below = 0;
        foreach (var (bound, count) in byBound)
        {
            if (count >= target)
            {
                if (double.IsPositiveInfinity(bound)) return lower * 1000;
                double fraction = count - below <= 0 ? 1 : (target - below) / (count - below);
                return (lower + (bound - lower) * fraction) * 1000;
            }
            lower = bound;
            below = count;
        }
        return lower * 1000;
    }

    private static double Sum(Dictionary<string, double> values, string metric) =>
        values.Where(v => v.Key == metric || v.Key.StartsWith(metric + "{", StringComparison.Ordinal)).Sum(v => v.Value);

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        // The host disposes the listener both as a hosted service and as a singleton.
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}

/// <summary>The few rules of the Prometheus text format the sampler needs: "name{labels} value" lines, comments skipped.</summary>
internal static class PrometheusText
{
    /// <summary>Every sample line as series text ("name{a="b"}") → value.</summary>
    public static Dictionary<string, double> Parse(byte[] text)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in System.Text.Encoding.UTF8.GetString(text).Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            int space = line.LastIndexOf(' ');
            if (space <= 0) continue;
            var number = line[(space + 1)..];
            double value = number switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN,
            };
            values[line[..space]] = value;
        }
        return values;
    }

    /// <summary>The value of label <paramref name="name"/> in a series text, or null.</summary>
    public static string? Label(string series, string name)
    {
        var key = name + "=\"";
        int at = series.IndexOf("{" + key, StringComparison.Ordinal) is var first and >= 0 ? first + 1 : series.IndexOf("," + key, StringComparison.Ordinal) is var next and >= 0 ? next + 1 : -1;
        if (at < 0) return null;
        int start = at + key.Length;
        int end = series.IndexOf('"', start);
        return end < 0 ? null : series[start..end];
    }
}
