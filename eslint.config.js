// The architecture's dependency rules live here, so they hold without anyone remembering them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = ['net', 'tls', 'fs', 'fs/promises', 'timers', 'timers/promises', 'child_process',
  'dgram', 'http', 'https', 'http2', 'os', 'worker_threads', 'crypto', 'perf_hooks', 'process', 'dns'];

// Everything deterministic (the core and the simulator) takes time and randomness as arguments.
const nondeterministicGlobals = [
  { name: 'Date', message: 'Time comes in as an argument (nowMs).' },
  { name: 'setTimeout', message: 'Ask for a wake-up through nextWakeMs() instead.' },
  { name: 'setInterval', message: 'Ask for a wake-up through nextWakeMs() instead.' },
  { name: 'setImmediate', message: 'The pump owns the drain order.' },
  { name: 'queueMicrotask', message: 'The pump owns the drain order.' },
  { name: 'performance', message: 'Time comes in as an argument (nowMs).' },
  { name: 'process', message: 'No process state in deterministic code.' },
  { name: 'crypto', message: 'Randomness comes in as an argument (Random).' },
];
const nondeterministicProperties = [
  { object: 'Math', property: 'random', message: 'Randomness comes in as an argument (Random).' },
  { object: 'process', property: 'hrtime', message: 'Time comes in as an argument (nowMs).' },
  { object: 'Date', property: 'now', message: 'Time comes in as an argument (nowMs).' },
];
const noIoImports = {
  patterns: [
    { group: ['node:*'], message: 'src/core is sans-IO: no node:* modules.' },
    { group: ioModules, message: 'src/core is sans-IO: no I/O modules.' },
    { group: ['**/runtime/**', '**/storage/**', '**/sim/**', '**/chaos/**'],
      message: 'src/core depends on nothing outside src/core.' },
  ],
};
const noHarnessImports = {
  patterns: [
    { group: ['**/sim/**', '**/chaos/**', '**/test/**'], message: 'src/ never imports sim/, chaos/ or test/.' },
  ],
};
// Storage backends are used by the runtime and the simulator alike: they know neither.
const noShellImports = {
  patterns: [
    ...noHarnessImports.patterns,
    { group: ['**/runtime/**', '**/cli/**'], message: 'src/storage depends on src/core only: the runtime and the CLI use it, not the other way.' },
  ],
};
// The chaos lab ships to release managers without the tests: what both need lives in harness/.
const noTestImports = {
  patterns: [{ group: ['**/test/**'], message: 'chaos/ never imports test/: shared helpers live in harness/.' }],
};
const noChaosImports = {
  patterns: [{ group: ['**/test/**', '**/chaos/**'], message: 'harness/ is shared by test/ and chaos/ and imports neither.' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'tmp/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The bins' launchers and the package test's script are plain JavaScript run by node.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { URL: 'readonly', console: 'readonly', process: 'readonly' } },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noHarnessImports] },
  },
  {
    // A string's methods called on the string go megamorphic where strings of several kinds meet,
    // and V8 then looks the method up per call: src/core/string-methods.ts says what it cost.
    files: ['src/**/*.ts', 'sim/**/*.ts'],
    ignores: ['src/core/string-methods.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression > MemberExpression.callee[property.name=/^(charCodeAt|isWellFormed)$/]", message: 'Use codeUnitAt or isWellFormedText (src/core/string-methods.ts).' },
      ],
    },
  },
  {
    files: ['src/storage/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noShellImports] },
  },
  {
    files: ['chaos/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noTestImports] },
  },
  {
    files: ['harness/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noChaosImports] },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', noIoImports],
      'no-restricted-globals': ['error', ...nondeterministicGlobals],
      'no-restricted-properties': ['error', ...nondeterministicProperties],
    },
  },
  {
    files: ['sim/**/*.ts'],
    ignores: ['sim/cli/**'],
    rules: {
      'no-restricted-globals': ['error', ...nondeterministicGlobals],
      'no-restricted-properties': ['error', ...nondeterministicProperties],
    },
  },
);
