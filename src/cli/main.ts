// The herald command: one subcommand per job, each registered from cli/commands/.
import { Command, CommanderError } from 'commander';
import { InputError } from '../files/yaml-files.js';
import { type CliIo, EXIT, processIo, UsageError } from './output.js';

type Register = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/**
 * Each command's module, loaded only when needed: a long-running `herald membership` (or,
 * later, `herald speaker`) should not carry every other command's dependencies in memory.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  validate: async () => (await import('./commands/validate.js')).registerValidate,
  allocate: async () => (await import('./commands/allocate.js')).registerAllocate,
  plan: async () => (await import('./commands/plan.js')).registerPlan,
  membership: async () => (await import('./commands/membership.js')).registerMembership,
  speaker: async () => (await import('./commands/speaker.js')).registerSpeaker,
  controller: async () => (await import('./commands/controller.js')).registerController,
  status: async () => (await import('./commands/status.js')).registerStatus,
  lab: async () => (await import('./commands/lab.js')).registerLab,
  frr: async () => (await import('./commands/frr.js')).registerFrr,
};

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
  const named = argv[0] !== undefined ? COMMANDS[argv[0]] : undefined;
  for (const load of named ? [named] : Object.values(COMMANDS)) (await load())(program, io, setExit);
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
