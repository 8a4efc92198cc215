import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } }
  },
  {
    // Only main.ts may talk to the runner; logic modules stay free of @actions/* so they test directly.
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/codearts/transport.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@actions/*'] }] }
  },
  {
    // The transport takes its proxy-aware agents from @actions/http-client, and nothing else.
    files: ['src/codearts/transport.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@actions/*', '!@actions/http-client'] }]
    }
  }
)
