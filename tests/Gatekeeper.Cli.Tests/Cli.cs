using Spectre.Console.Testing;

namespace Gatekeeper.Cli.Tests;

/// <summary>Runs the program as a user would, with its output captured unwrapped.</summary>
internal static class Cli
{
    public static async Task<(int Exit, string Output)> Run(params string[] args)
    {
        var console = new TestConsole { EmitAnsiSequences = false };
        console.Profile.Width = 1000;   // no wrapping inside the sentences asserted on
        int exit = await GatekeeperApp.RunAsync(args, console);
        return (exit, console.Output);
    }
}
