// npm run env:install | env:up | env:status | env:down
import { down, install, status, up } from './environment.ts';

const command = process.argv[2];
try {
  switch (command) {
    case 'install':
      await install();
      break;
    case 'up': {
      const { started } = await up();
      console.log(started.length > 0 ? `started: ${started.join(', ')}` : 'every server was already running');
      break;
    }
    case 'status': {
      const report = await status();
      for (const s of report) {
        console.log(
          `${s.name.padEnd(24)} ${s.state.padEnd(10)} ${s.pid ?? ''}${s.detail ? `  ${s.detail}` : ''}`,
        );
      }
      const bad = report.filter((s) => s.state !== 'healthy');
      if (bad.length > 0) {
        console.error(`not healthy: ${bad.map((s) => `${s.name} (${s.state})`).join(', ')}`);
        process.exitCode = 1;
      }
      break;
    }
    case 'down': {
      const stopped = await down();
      console.log(stopped.length > 0 ? `stopped: ${stopped.join(', ')}` : 'nothing was running');
      break;
    }
    default:
      console.error('usage: node test/servers/cli.ts install|up|status|down');
      process.exitCode = 2;
  }
} catch (error) {
  console.error(`[servers] ${(error as Error).message}`);
  process.exitCode = 1;
}
