using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Prometheus;

namespace HsmKmip.Server.AdminHttp;

/// <summary>
/// Feeds the daemon's <see cref="System.Diagnostics.Metrics"/> instruments (every layer records there, knowing no
/// exporter) into prometheus-net metrics of the right Prometheus type: Counter → counter (<c>_total</c>), UpDownCounter
/// and ObservableGauge → gauge, Histogram → histogram with seconds buckets. prometheus-net's own MeterAdapter turns
/// counters into gauges that expire when idle, which breaks rate() and alerts; this keeps them monotonic.
/// Label names are each instrument's tag names (every HsmKmip instrument records a fixed set).
/// </summary>
internal sealed class MeterBridge : IDisposable
{
    private static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] CountBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256];
    private readonly MeterListener _listener = new();
    private readonly MetricFactory _factory;
    private readonly ConcurrentDictionary<Instrument, BridgedMetric> _metrics = new();

    public MeterBridge(CollectorRegistry registry)
    {
        _factory = Metrics.WithCustomRegistry(registry);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("HsmKmip.", StringComparison.Ordinal)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
        registry.AddBeforeCollectCallback(_listener.RecordObservableInstruments);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Every request records several measurements: the metric and its labelled child are looked up in caches keyed
        // without allocating (docs/performance.md: the old path built three arrays and a LINQ query per measurement).
        if (!_metrics.TryGetValue(instrument, out var metric))
        {
            var names = new string[tags.Length];
            for (int i = 0; i < tags.Length; i++) names[i] = tags[i].Key;
            metric = _metrics.GetOrAdd(instrument, Create(instrument, names));
        }
        var child = tags.Length <= LabelKey.MaxLabels ? metric.Child(tags) : metric.Uncached(tags);
        switch (child)
        {
            case Counter.Child c:
                c.Inc(value);
                break;
            case Gauge.Child g when instrument.IsObservable:
                g.Set(value);
                break;
            case Gauge.Child g:
                g.Inc(value);
                break;
            case Histogram.Child h:
                h.Observe(value);
                break;
        }
    }

    private BridgedMetric Create(Instrument instrument, string[] labelNames) => new(CreateCollector(instrument, labelNames));

    private Collector CreateCollector(Instrument instrument, string[] labelNames)
    {
        var name = instrument.Name.Replace('.', '_');
        var help = instrument.Description ?? instrument.Name;
        var type = instrument.GetType().GetGenericTypeDefinition();
        if (type == typeof(Counter<>)) return _factory.CreateCounter(name + "_total", help, labelNames);
        if (type == typeof(Histogram<>))
        {
            var seconds = instrument.Unit == "s";
            return _factory.CreateHistogram(seconds ? name + "_seconds" : name, help, labelNames,
                new HistogramConfiguration { Buckets = seconds ? SecondsBuckets : CountBuckets });
        }
        // UpDownCounter, ObservableGauge: a gauge (in seconds for the certificate expiry).
        return _factory.CreateGauge(instrument.Unit == "s" ? name + "_seconds" : name, help, labelNames);
    }

    public void Dispose() => _listener.Dispose();
}
