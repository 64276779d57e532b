// herald validate [--output text|json] [--namespace NS] PATH...
import type { Command } from 'commander';
import { formatIssue } from '../../core/config/issues.js';
import { validateInputs, type ReportEntry } from '../../core/config/report.js';
import { readYamlInputs } from '../../files/yaml-files.js';
import { addNamespaceOption } from '../config-inputs.js';
import { type CliIo, EXIT, parseOutputFormat } from '../output.js';

export function registerValidate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('validate')
    .description(
      'Validate MetalLB configuration (metallb.io objects, FRRConfiguration) in YAML files and folders',
    )
    .argument('<paths...>', 'YAML files or folders (multi-document files allowed)')
    .option('-o, --output <format>', 'text or json', 'text');
  addNamespaceOption(command)
    .addHelpText(
      'after',
      '\nExit status: 0 no errors (warnings allowed), 1 errors found, 2 usage error or unreadable input.\n' +
        'JSON output: an array of {severity, file, kind, namespace, name, field, message}.',
    )
    .action(async (paths: string[], opts: { output: string; namespace: string }) => {
      const format = parseOutputFormat(opts.output);
      const values = await readYamlInputs(paths);
      const report = validateInputs(values, { namespace: opts.namespace });
      if (format === 'json') io.out(JSON.stringify(report.entries.map(toJson), null, 2));
      else {
        for (const entry of report.entries) io.out(`${entry.file}: ${formatIssue(entry)}`);
        io.out(
          `${report.errorCount} error(s), ${report.warningCount} warning(s) in ${new Set(values.map((v) => v.file)).size} file(s)`,
        );
      }
      setExit(report.errorCount > 0 ? EXIT.findings : EXIT.ok);
    });
}

const toJson = (e: ReportEntry) => ({
  severity: e.severity,
  file: e.file,
  kind: e.kind,
  namespace: e.namespace,
  name: e.name,
  field: e.field,
  message: e.message,
});
