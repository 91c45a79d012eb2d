// `npm start`: the newcomer's path. Builds when sources changed, then runs `polder serve` with the
// embedded defaults. One kindness over `polder serve`: when the MQTT port was not chosen and 1883
// is taken (a system Mosquitto, say), the demo takes the next free port and says so, instead of
// stopping. `polder serve` itself stops with a message naming both ways out.
import net from 'node:net';
import './build-if-needed.mjs';

const free = (port) =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });

if (!process.env.POLDER_MQTT_PORT && !process.env.POLDER_MQTT_URL && !(await free(1883))) {
  let port = 1884;
  while (!(await free(port))) port++;
  process.env.POLDER_MQTT_PORT = String(port);
  process.stdout.write(
    `note: port 1883 is taken (another MQTT broker?); the embedded broker uses ${port} for this run.\n` +
      '      Set POLDER_MQTT_PORT to choose a port, or POLDER_MQTT_URL to use the broker on 1883.\n',
  );
}

const { run } = await import('../dist/cli.js');
await run([process.argv[0], 'polder', 'serve', ...process.argv.slice(2)]);
