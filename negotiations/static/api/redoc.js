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

  // The sidebar's "API docs by Redocly" logo would be fetched from ReDoc's CDN: nothing on
  // this page is. An empty image stands in for it.
  var BLANK = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
  function local(url) {
    return /^https?:/i.test(String(url)) ? BLANK : url;
  }
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (url) {
      src.set.call(this, local(url));
    },
  });
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === "src") {
      value = local(value);
    }
    return setAttribute.call(this, name, value);
  };

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("redoc-container");
    window.Redoc.init(container.dataset.schemaUrl, { nonce: nonce }, container);
  });
})();
