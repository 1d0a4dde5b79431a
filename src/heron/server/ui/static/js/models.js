// The model registry's forms that need more than heron.js's data-api forms:
//
//   <form data-create-model>     name, description and one optional tag -> a registered
//                                model, then its page
//   <form data-rename-model>     name, new_name -> renamed, then the new name's page
//   <details data-register-panel><form data-register-model>  "Register model": a version of
//       a new or existing registered model (the datalist of names fills when the panel
//       opens) from the form's source, run_id and model_id, then the version's page
//
// Errors are MLflow's messages, shown with textContent in the form's [data-form-error].
import { callApi, showError } from "./heron.js";

const prefix = document.querySelector('meta[name="heron-prefix"]')?.getAttribute("content") ?? "";
const ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS";

function modelUrl(name) {
  return `${prefix}/models/${encodeURIComponent(name)}`;
}

function versionUrl(name, version) {
  return `${modelUrl(name)}/versions/${encodeURIComponent(version)}`;
}

function field(form, name) {
  const element = form.elements.namedItem(name);
  return element ? element.value : "";
}

async function createModel(form) {
  const name = field(form, "name").trim();
  const body = { name };
  const description = field(form, "description");
  if (description) body.description = description;
  const key = field(form, "tag_key").trim();
  if (key) body.tags = [{ key, value: field(form, "tag_value") }];
  await callApi("mlflow/registered-models/create", body);
  location.assign(modelUrl(name));
}

async function renameModel(form) {
  const newName = field(form, "new_name").trim();
  await callApi("mlflow/registered-models/rename", { name: field(form, "name"), new_name: newName });
  location.assign(modelUrl(newName));
}

async function registerModel(form) {
  const name = field(form, "name").trim();
  if (!name) throw new Error("Give the registered model a name.");
  try {
    await callApi("mlflow/registered-models/create", { name });
  } catch (error) {
    if (!String(error.message).startsWith(ALREADY_EXISTS)) throw error;
  }
  const body = { name, source: field(form, "source") };
  for (const key of ["run_id", "model_id"]) {
    const value = field(form, key);
    if (value) body[key] = value;
  }
  const answer = await callApi("mlflow/model-versions/create", body);
  location.assign(versionUrl(name, answer.model_version.version));
}

const HANDLERS = [
  ["form[data-create-model]", createModel],
  ["form[data-rename-model]", renameModel],
  ["form[data-register-model]", registerModel],
];

document.addEventListener("submit", async (event) => {
  for (const [selector, handler] of HANDLERS) {
    const form = event.target.closest(selector);
    if (!form) continue;
    event.preventDefault();
    showError(form, "");
    const submit = form.querySelector("[type=submit]");
    if (submit) submit.disabled = true;
    try {
      await handler(form);
    } catch (error) {
      showError(form, error.message);
    } finally {
      if (submit) submit.disabled = false;
    }
    return;
  }
});

/** Fill a register panel's datalist with the registered models' names, once. */
async function fillNames(panel) {
  const list = panel.querySelector("datalist[data-model-names]");
  if (!list || list.dataset.filled) return;
  list.dataset.filled = "true";
  try {
    const answer = await callApi("mlflow/registered-models/search?max_results=1000", undefined, "GET");
    for (const model of answer.registered_models || []) {
      const option = document.createElement("option");
      option.value = model.name;
      list.append(option);
    }
  } catch (error) {
    delete list.dataset.filled; // try again next time the panel opens
  }
}

document.addEventListener(
  "toggle",
  (event) => {
    const panel = event.target;
    if (panel.matches?.("details[data-register-panel]") && panel.open) {
      fillNames(panel);
      panel.querySelector("input[name=name]")?.focus();
    }
  },
  true,
);
