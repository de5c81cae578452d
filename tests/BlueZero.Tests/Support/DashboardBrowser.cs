using Microsoft.Playwright;

namespace BlueZero.Tests.Support;

/// <summary>
/// Debian's chromium (/usr/bin/chromium) driven by Playwright, headless, for the dashboard's tests. Playwright never
/// downloads a browser here: without chromium the tests fail with one line saying how to install it, unless
/// <see cref="SkipVariable"/> is 1 (then <see cref="Launch"/> returns null and the test passes without a browser).
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string SkipVariable = "B0_SKIP_BROWSER_TESTS";
    public const int Width = 1280;
    public const int Height = 800;

    private readonly IPlaywright _playwright;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static bool Skipped => Environment.GetEnvironmentVariable(SkipVariable) == "1";

    public static async Task<DashboardBrowser?> Launch()
    {
        if (Skipped) return null;
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install chromium (or run ./test.sh as root), or set {SkipVariable}=1");
        var playwright = await Playwright.CreateAsync();
        // --no-sandbox: the tests may run as root, where chromium refuses its sandbox.
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
        return new DashboardBrowser(playwright, browser);
    }

    /// <summary>A fresh page (its own cookies) on the hub at <paramref name="baseUrl"/>, at 1280×800 unless told.</summary>
    public async Task<IPage> Open(string baseUrl, string path = "/", int width = Width, int height = Height)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
