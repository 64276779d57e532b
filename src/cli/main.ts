// The herald command: one subcommand per job, each registered from cli/commands/.
import { Command, CommanderError } from 'commander';
import { InputError } from '../files/yaml-files.js';
import { registerAllocate } from './commands/allocate.js';
import { registerMembership } from './commands/membership.js';
import { registerPlan } from './commands/plan.js';
import { registerValidate } from './commands/validate.js';
import { type CliIo, EXIT, processIo, UsageError } from './output.js';

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('herald')
    .description("Herald: LoadBalancer Services for bare-metal Kubernetes, speaking MetalLB's API")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError();
  const setExit = (code: number): void => {
    exitCode = code;
  };
  registerValidate(program, io, setExit);
  registerMembership(program, io);
  registerAllocate(program, io, setExit);
  registerPlan(program, io, setExit);
  program.commands.forEach((c) => c.exitOverride());
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; every other commander complaint (including a missing
      // command, which prints the help) is a usage error.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError || e instanceof InputError) {
      io.err(`herald: ${e.message}`);
      return EXIT.usage;
    }
    throw e;
  }
  return exitCode;
}
