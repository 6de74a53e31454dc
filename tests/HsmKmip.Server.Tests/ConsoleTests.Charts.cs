using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using HsmKmip.Server.AdminHttp;
using HsmKmip.Server.WebConsole;
using Xunit;

namespace HsmKmip.Server.Tests;

/// <summary>The health page's charts: after a short load they hold points with non-zero values, as inline SVG under the strict CSP.</summary>
public sealed partial class ConsoleTests
{
    [Fact]
    public async Task The_health_page_charts_the_last_minutes_of_operations_latency_hsm_and_store_after_a_short_load()
    {
        // Sample every second instead of five, so that a few seconds of load make several points.
        AdminHttpListener.ChartInterval = TimeSpan.FromSeconds(1);
        await using var server = await StartAsync();
        using var viewer = IssueAdmin(server, "chart-viewer", AdminRole.Viewer);
        using var http = AdminHttpsClient.Create(server, viewer);
        var clock = Stopwatch.StartNew();
        await using (var tls = await server.ConnectAsync(server.ClientCertificate()))
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(4)) await KeyTraffic.CreateAndGetAsync(tls);
        }
        var wanted = new[] { "Operations per second by result", "Operation latency", "HSM call latency p99", "Store commit latency p99" };
        string html = "";
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var response = await http.GetAsync(Url(server, "/"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                response.Headers.GetValues("Content-Security-Policy").Single());
            html = await response.Content.ReadAsStringAsync();
            if (wanted.All(title => MaxOf(html, title) > 0)) break;
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60),
                "the charts did not show non-zero points 60 s after the load: " + string.Join("; ", Regex.Matches(html, "<desc>[^<]*</desc>").Select(m => m.Value)));
            await Task.Delay(500);
        }
        Assert.Equal(5, Regex.Matches(html, "<svg ").Count);
        Assert.Matches("<polyline fill=\"none\" stroke=\"#[0-9a-f]{6}\" stroke-width=\"1.5\" points=\"[0-9.]+,[0-9.]+ ", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        var dir = Path.Combine(AppContext.BaseDirectory, "console-screenshots");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "health-charts.html"), html);
    }

    /// <summary>The "max" a chart's description states (its largest value), or -1 when the chart or its points are missing.</summary>
    private static double MaxOf(string html, string title)
    {
        var m = Regex.Match(html, $"<desc>{Regex.Escape(title)}: ([0-9]+) points, max ([0-9.]+) ");
        return m.Success && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) > 0 ? double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : -1;
    }
}
