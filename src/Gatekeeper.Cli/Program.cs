using Gatekeeper.Cli;

return await GatekeeperApp.RunAsync(args);
