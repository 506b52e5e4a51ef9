/** Options shared by CLI commands. */
import { Option } from 'commander';
import { loadConfig, type Config } from '../config/config.js';

export type Flags = Partial<Record<keyof Config, string>>;

/** The configuration for a command: its flags over the TRAILKEEP_* environment. */
export function configFrom(flags: Flags): Config {
  return loadConfig(process.env, flags);
}

export function dataDirOption(): Option {
  return new Option('--data-dir <dir>', 'data directory (env TRAILKEEP_DATA_DIR, default ./data)');
}
