namespace HsmKmip.Server.Cli;

/// <summary>Reports on the caller's thread, at once (System.Progress posts to the thread pool, out of order and late).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
