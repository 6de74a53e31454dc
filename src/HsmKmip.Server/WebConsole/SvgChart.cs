using System.Globalization;
using System.Text;

namespace HsmKmip.Server.WebConsole;

/// <summary>
/// A line chart as inline SVG, drawn on the server: no script and no inline style (the console's CSP allows neither),
/// only SVG presentation attributes. Time runs left to right over the window, the y axis from 0 to the largest value;
/// a gap in a series (NaN: nothing measured then) breaks its line.
/// </summary>
internal static class SvgChart
{
    private const int Width = 640, Height = 150, Left = 48, Right = 8, Top = 8, Bottom = 20;
    private static readonly string[] Colours = ["#2b6cb0", "#c53030", "#2f855a", "#b7791f"];

    /// <param name="title">The chart's heading.</param>
    /// <param name="unit">The values' unit ("ops/s", "ms").</param>
    /// <param name="from">Start of the window.</param>
    /// <param name="to">End of the window.</param>
    /// <param name="series">Named series of (time, value) points.</param>
    public static string Render(string title, string unit, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<(string Name, IReadOnlyList<(DateTimeOffset Time, double Value)> Points)> series)
    {
        var finite = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Value)).Select(p => p.Value).ToArray();
        double max = finite.Length == 0 ? 0 : finite.Max();
        double top = max <= 0 ? 1 : max * 1.1;
        double span = Math.Max((to - from).TotalSeconds, 1);
        int points = series.Sum(s => s.Points.Count(p => double.IsFinite(p.Value)));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<figure class=\"chart\"><figcaption>{Html.E(title)}</figcaption>");
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\">");
        // Read by people with a screen reader, and by the test: what the chart holds.
        sb.Append(CultureInfo.InvariantCulture, $"<desc>{Html.E(title)}: {points} points, max {F(max)} {Html.E(unit)}</desc>");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"#fafafa\" stroke=\"#ccc\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{Top + 10}\" text-anchor=\"end\" font-size=\"10\">{F(top)}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{Height - Bottom}\" text-anchor=\"end\" font-size=\"10\">0</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height - 6}\" font-size=\"10\">{Html.E(Minutes(to - from))} ago</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right}\" y=\"{Height - 6}\" text-anchor=\"end\" font-size=\"10\">now ({Html.E(unit)})</text>");
        for (int i = 0; i < series.Count; i++)
        {
            var colour = Colours[i % Colours.Length];
            foreach (var run in Runs(series[i].Points))
            {
                var coordinates = string.Join(' ', run.Select(p => $"{F(X(p.Time))},{F(Y(p.Value))}"));
                sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{coordinates}\"/>");
                if (run.Count == 1) sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(run[0].Time))}\" cy=\"{F(Y(run[0].Value))}\" r=\"2\" fill=\"{colour}\"/>");
            }
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 6 + (i * 150)}\" y=\"{Top + 12}\" font-size=\"10\" fill=\"{colour}\">{Html.E(series[i].Name)}</text>");
        }
        sb.Append("</svg></figure>");
        return sb.ToString();

        double X(DateTimeOffset t) => Left + ((t - from).TotalSeconds / span * (Width - Left - Right));
        double Y(double v) => Height - Bottom - (v / top * (Height - Top - Bottom));
    }

    /// <summary>The stretches of finite values (a NaN ends one).</summary>
    private static IEnumerable<List<(DateTimeOffset Time, double Value)>> Runs(IReadOnlyList<(DateTimeOffset Time, double Value)> points)
    {
        var run = new List<(DateTimeOffset, double)>();
        foreach (var p in points)
        {
            if (double.IsFinite(p.Value))
            {
                run.Add(p);
                continue;
            }
            if (run.Count > 0) yield return run;
            run = [];
        }
        if (run.Count > 0) yield return run;
    }

    private static string F(double v) => v.ToString(v >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture);

    private static string Minutes(TimeSpan span) => span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0} min" : $"{span.TotalSeconds:0} s";
}
