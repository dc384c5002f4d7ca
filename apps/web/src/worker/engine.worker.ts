import * as Comlink from 'comlink';
import { engine } from './engine.ts';

/** The engine runs here, off the page's thread: ORT runs and tf.js training never block the UI. */
Comlink.expose(engine);
