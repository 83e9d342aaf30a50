// ReDoc under the Content-Security-Policy. Loaded before ReDoc's bundle, with the page's
// nonce, which it reads from its own script element.
(function () {
  "use strict";
  var nonce = document.currentScript.nonce;

  // ReDoc adds style elements while its bundle loads, before it can be told the nonce:
  // every style element created on this page carries it. (Only scripts from this origin
  // run here, so only they can create one.)
  var createElement = Document.prototype.createElement;
  Document.prototype.createElement = function (name, options) {
    var element = createElement.call(this, name, options);
    if (String(name).toLowerCase() === "style") {
      element.nonce = nonce;
    }
    return element;
  };

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("redoc-container");
    window.Redoc.init(container.dataset.schemaUrl, { nonce: nonce }, container);
  });
})();
