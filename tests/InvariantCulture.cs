using System.Globalization;
using System.Runtime.CompilerServices;

namespace Gatekeeper.Tests;

/// <summary>Every test assembly runs in the invariant culture, as the program does, whatever the machine's locale.</summary>
internal static class InvariantCulture
{
    [ModuleInitializer]
    internal static void Apply()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
    }
}
