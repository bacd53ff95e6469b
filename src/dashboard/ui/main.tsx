/** Entry of the bundled page (see ../bundle.ts). */
import { render } from 'preact';
import { App } from './app.tsx';
import './styles.css';

render(<App />, document.getElementById('app') as HTMLElement);
