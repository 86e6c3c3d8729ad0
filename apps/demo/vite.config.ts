import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { demoBackend } from './src/backend.js';
import { strictCsp } from './src/csp.js';
import { brokerIssuer, brokerUrl, demoPort } from './src/ports.js';

const page = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Mounts the demo backend and the CSP on both `vite` (dev) and `vite preview`. */
function demoServer(): Plugin {
  return {
    name: 'latchkey-demo-server',
    configureServer(server) {
      server.middlewares.use(strictCsp(brokerUrl, true));
      server.middlewares.use(demoBackend(brokerIssuer));
    },
    configurePreviewServer(server) {
      server.middlewares.use(strictCsp(brokerUrl, false));
      server.middlewares.use(demoBackend(brokerIssuer));
    },
  };
}

export default defineConfig({
  plugins: [demoServer()],
  define: { __BROKER_URL__: JSON.stringify(brokerUrl) },
  server: { port: demoPort, strictPort: true, host: 'localhost' },
  preview: { port: demoPort, strictPort: true, host: 'localhost' },
  // Three pages: the app (sign-in, then what the backend verified), the account page (lk-user-profile) and the organization page (lk-org-profile).
  build: { target: 'es2022', rollupOptions: { input: { main: page('index.html'), account: page('account.html'), org: page('org.html') } } },
});
