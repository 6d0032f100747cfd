import { createApp } from './app';

/** Worker entry point. */
export default createApp();
