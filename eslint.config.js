// Lint rules: type-checked typescript-eslint plus the import directions of the architecture
// (see ARCHITECTURE.md, "Layers"): core is pure, machines are pure definitions, adapters never
// import machines, and only app/ and cli/ may wire everything together.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeIo = [
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:dgram',
  'node:child_process',
  'node:http',
  'node:os',
  'node:timers',
  'node:process',
];
const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'build/**', 'eslint.config.js', 'scripts/*.mjs', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: restrict(
      [
        ...nodeIo,
        '../machines/*',
        '../../machines/*',
        '**/actors/**',
        '**/app/**',
        '**/cli/**',
        '**/gossip/**',
        '**/announce/**',
        '**/frr/**',
        '**/k8s/**',
        '**/observe/**',
        '**/ports/**',
      ],
      'core/ is pure: it imports only core/ and pure libraries (no I/O, no adapters).',
    ),
  },
  {
    files: ['src/machines/**/*.ts'],
    rules: restrict(
      [
        ...nodeIo,
        '**/actors/**',
        '**/app/**',
        '**/cli/**',
        '**/gossip/**',
        '**/announce/**',
        '**/frr/**',
        '**/k8s/**',
        '**/observe/**',
      ],
      'machines/ are pure definitions: core, xstate and port types only.',
    ),
  },
  {
    files: ['src/{gossip,announce,frr,k8s,observe,bgp,bfd}/**/*.ts'],
    rules: restrict(
      ['**/machines/**', '**/actors/**', '**/app/**', '**/cli/**'],
      'adapters import ports and core only.',
    ),
  },
  {
    // FRR rendering lives next to the FRR adapter but is pure, like core/: text from data.
    files: ['src/frr/render/**/*.ts'],
    rules: restrict(
      [...nodeIo, '**/machines/**', '**/actors/**', '**/app/**', '**/cli/**', '**/ports/**', '**/k8s/**'],
      'frr/render is pure: core/ and pure libraries only (no I/O, no adapters).',
    ),
  },
  {
    files: ['src/cli/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
    },
  },
);
