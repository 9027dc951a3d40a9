import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./components/App";
import { createApi } from "./lib/api";
import { readPageConfig } from "./lib/config";
import "./styles.css";

const root = document.getElementById("root");
if (!root) {
  throw new Error("index.html has no #root element");
}

createRoot(root).render(
  <StrictMode>
    <App api={createApi()} config={readPageConfig()} />
  </StrictMode>,
);
