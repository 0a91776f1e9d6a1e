// Registers only the Chart.js parts TrainDeck draws with (tree-shaken), and the defaults every
// chart shares: no animation, legends on, colours that work in light and dark themes.
import { BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, Decimation } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip, Filler, Decimation);
Chart.defaults.animation = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", sans-serif';
Chart.defaults.color = getComputedStyle(document.documentElement).getPropertyValue('--text-muted').trim() || '#666';

export const palette = ['#2f7ef5', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#64748b'];

export { Chart };
