/* The few behaviours that need script; every page works without it. Loaded with defer. */
"use strict";

(function () {
  // The tree's "expand all / collapse all" buttons: shown only when script runs.
  function setUpTree() {
    var tree = document.querySelector("[data-tree]");
    var controls = document.querySelector("[data-tree-controls]");
    if (!tree || !controls) {
      return;
    }
    controls.hidden = false;
    controls.addEventListener("click", function (event) {
      var button = event.target.closest("[data-tree-toggle]");
      if (!button) {
        return;
      }
      var open = button.getAttribute("data-tree-toggle") === "open";
      tree.querySelectorAll("details").forEach(function (node) {
        node.open = open;
      });
    });
  }

  setUpTree();
})();
