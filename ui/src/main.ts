import { mount } from "svelte";
import "./styles.css";
import App from "./App.svelte";
import { applyRememberedTheme } from "./lib/theme";

// Before anything is drawn: the look the admin chose, so a dark choice never flashes light.
applyRememberedTheme();

const target = document.getElementById("app");
if (target) mount(App, { target });
