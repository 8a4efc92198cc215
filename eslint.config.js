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
    // Only main.ts talks to the runner (@actions/core); logic modules stay free of it so they test
    // directly with a fake StepIO. The transport takes its agents from @actions/http-client.
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/codearts/transport.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@actions/*'] }] }
  },
  {
    files: ['src/codearts/transport.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^@actions/(?!http-client$)', message: 'only http-client' }] }
      ]
    }
  }
)
