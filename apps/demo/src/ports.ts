/** The demo's own port and the broker it talks to, from the environment (DESIGN.md defaults). */
export const demoPort = Number(process.env.DEMO_PORT ?? 5173);
export const brokerUrl = (process.env.BROKER_URL ?? `http://localhost:${process.env.BROKER_PORT ?? 8787}`).replace(/\/$/, '');
