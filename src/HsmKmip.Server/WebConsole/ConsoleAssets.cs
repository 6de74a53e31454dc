namespace HsmKmip.Server.WebConsole;

/// <summary>The console's only asset, served from memory (/console.css): nothing is fetched from elsewhere at run time.</summary>
internal static class ConsoleAssets
{
    public const string Stylesheet = """
        body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
        header { display: flex; gap: 1.5rem; align-items: center; padding: .7rem 1.5rem; background: #1d2a44; color: #fff; }
        header nav a { color: #cfe0ff; margin-right: 1rem; text-decoration: none; }
        header .who { margin-left: auto; color: #cfe0ff; }
        main { padding: 1rem 1.5rem; max-width: 1200px; }
        h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
        table { border-collapse: collapse; background: #fff; width: 100%; font-size: 13px; }
        th, td { border: 1px solid #d7dbe3; padding: .3rem .5rem; text-align: left; vertical-align: top; word-break: break-word; }
        th { background: #eef1f6; }
        dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; background: #fff; padding: .6rem; border: 1px solid #d7dbe3; }
        dt { font-weight: 600; } dd { margin: 0; }
        form { margin: .6rem 0; display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; }
        input, select, textarea { font: inherit; padding: .25rem .4rem; }
        textarea { width: 100%; min-height: 18rem; font-family: ui-monospace, monospace; font-size: 13px; }
        button { font: inherit; padding: .3rem .9rem; border: 1px solid #2d5bd1; background: #2d5bd1; color: #fff; border-radius: 3px; cursor: pointer; }
        button.danger { background: #b3261e; border-color: #b3261e; }
        .ok { color: #17753a; font-weight: 600; } .bad { color: #b3261e; font-weight: 600; } .none { color: #7a8190; }
        .notice { background: #fff7dc; border: 1px solid #e8c95a; padding: .6rem .9rem; }
        .error { background: #fde8e6; border: 1px solid #e39a93; padding: .6rem .9rem; }
        .charts { display: flex; flex-wrap: wrap; gap: 1rem; } figure.chart { margin: 0; background: #fff; border: 1px solid #d7dbe3; padding: .4rem; }
        figure.chart figcaption { font-size: 13px; font-weight: 600; }
        pre { background: #fff; border: 1px solid #d7dbe3; padding: .6rem; overflow-x: auto; font-size: 12px; }
        """;
}
