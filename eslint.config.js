// ESLint flat config: typescript-eslint, import cycles, and the layer rule of ../shared/style.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Layers, lowest first: a layer may import only from the layers before it (and itself). */
const layers = [
  ['protocol'],
  ['bridge', 'interrupts', 'llm'],
  ['store'],
  ['live'],
  ['cluster'],
  ['agents'],
  ['runs'],
  ['workers'],
  ['http', 'ws', 'console'],
];

const zones = [];
layers.forEach((group, index) => {
  const higher = layers.slice(index + 1).flat();
  for (const folder of group) {
    for (const target of [...higher, ...group.filter((g) => g !== folder)]) {
      zones.push({
        target: `./src/${folder}`,
        from: `./src/${target}`,
        message: `${folder} may not import ${target} (docs/architecture.md, layers)`,
      });
    }
  }
});
// Only the store touches Prisma.
zones.push({
  target: './src/!(store)/**',
  from: './src/store/prisma',
  message: 'only src/store uses Prisma',
});

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'data', 'src/store/prisma/generated', 'coverage', 'console/dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
