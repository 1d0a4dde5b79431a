// The account page: create a personal access token and show its secret once.
//
//   <form data-token-create>   POST name (+ expires_in_days) to heron/tokens/create
//   [data-token-reveal]        shown with the secret in [data-token-value]
//   <button data-token-copy>   copy the secret
//
// The secret is put in the page with textContent only.

import { callApi, showError } from "./heron.js";

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-token-create]");
  if (!form) return;
  event.preventDefault();
  showError(form, "");
  const body = { name: form.elements.name.value.trim() };
  const days = form.elements.expires_in_days.value;
  if (days) body.expires_in_days = Number.parseInt(days, 10);
  try {
    const answer = await callApi("heron/tokens/create", body);
    const reveal = document.querySelector("[data-token-reveal]");
    reveal.querySelector("[data-token-value]").textContent = answer.token;
    reveal.hidden = false;
    form.reset();
  } catch (error) {
    showError(form, error.message);
  }
});

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-token-copy]");
  if (!button) return;
  const value = document.querySelector("[data-token-value]")?.textContent ?? "";
  try {
    await navigator.clipboard.writeText(value);
    button.textContent = "Copied";
  } catch (error) {
    button.textContent = "Select and copy the token";
  }
});
