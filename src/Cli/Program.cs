using BlueZero.Cli;

return await new B0CommandLine().Run(args, Console.Error);
