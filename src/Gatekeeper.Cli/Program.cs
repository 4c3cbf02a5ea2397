using System.Globalization;
using System.Runtime.InteropServices;
using Gatekeeper.Cli;

// Reports, logs and records read the same on every machine, whatever its locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

// Ctrl-C, or the SIGTERM a CI runner sends when a job is cancelled, stops the command at its next
// step or item, so a gate closes its records (its MLflow run marked killed) instead of vanishing.
// A second signal ends the process at once.
using var stop = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await GatekeeperApp.RunAsync(args, cancellation: stop.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
}
