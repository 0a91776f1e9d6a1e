// Renderer entry: Vue app with Pinia; the host API is chosen in ./api (preload bridge or WebSocket).
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import './styles.css';

createApp(App).use(createPinia()).mount('#app');
