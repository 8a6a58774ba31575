import { Command } from 'commander';

// Skeleton CLI: subcommands are registered by src/cli/commands/*.
const program = new Command('reasoning-lens').description('Reasoning Lens command line').version('0.1.0');
program.parseAsync(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
});
