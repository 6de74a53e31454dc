using System.Text;

namespace HsmKmip.Server.WebConsole;

/// <summary>The health page's charts: the last ~15 minutes the daemon sampled (<see cref="AdminHttp.MetricsHistory"/>), as inline SVG.</summary>
internal sealed partial class ConsoleEndpoints
{
    private string Charts()
    {
        var samples = history.Samples;
        var to = DateTimeOffset.UtcNow;
        var from = to - (history.Interval * AdminHttp.MetricsHistory.Capacity);
        var sb = new StringBuilder("<h2>Last 15 minutes</h2>");
        if (samples.Count == 0)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"<p class=\"none\">The first points appear {history.Interval.TotalSeconds:0} s after the start.</p>");
            return sb.ToString();
        }
        var statuses = samples.SelectMany(s => s.OperationsPerSecond.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (statuses.Length == 0) statuses = ["Success"];
        sb.Append("<div class=\"charts\">");
        sb.Append(SvgChart.Render("Operations per second by result", "ops/s", from, to,
            statuses.Select(st => (st, Series(samples, s => s.OperationsPerSecond.GetValueOrDefault(st)))).ToArray()));
        sb.Append(SvgChart.Render("Operation latency", "ms", from, to, [("p50", Series(samples, s => s.LatencyP50)), ("p99", Series(samples, s => s.LatencyP99))]));
        sb.Append(SvgChart.Render("HSM call latency p99", "ms", from, to, [("PKCS#11 p99", Series(samples, s => s.HsmP99))]));
        sb.Append(SvgChart.Render("Store commit latency p99", "ms", from, to, [("commit p99", Series(samples, s => s.StoreP99))]));
        sb.Append(SvgChart.Render("Open KMIP connections", "connections", from, to, [("open", Series(samples, s => s.OpenConnections))]));
        return sb.Append("</div>").ToString();
    }

    private static IReadOnlyList<(DateTimeOffset Time, double Value)> Series(IReadOnlyList<AdminHttp.MetricsSample> samples, Func<AdminHttp.MetricsSample, double> value) =>
        samples.Select(s => (s.Time, value(s))).ToArray();
}
