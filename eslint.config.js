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
    // Only main.ts may talk to the runner (runner.ts); logic modules stay free of it so they test
    // directly. Of @actions/*, only http-client's proxy rules are used, by proxy.ts.
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/codearts/proxy.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@actions/*', '**/runner.js'] }]
    }
  },
  {
    files: ['src/codearts/proxy.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^@actions/(?!http-client/lib/proxy$)', message: 'only the proxy rules' },
            { group: ['**/runner.js'] }
          ]
        }
      ]
    }
  },
  {
    files: ['src/main.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@actions/*'] }] }
  }
)
