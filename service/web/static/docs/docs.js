// Starts Swagger UI on /docs (templates/docs.html). A file of its own rather
// than an inline script, so that the page's Content-Security-Policy allows
// scripts from this origin only. AccessiblePlugin meets WCAG 2.1 AA where
// Swagger UI 5 alone does not (docs.css does the colours).
(function () {
  "use strict";

  var root = document.getElementById("swagger-ui");

  function AccessiblePlugin(system) {
    var h = function () { return system.React.createElement.apply(null, arguments); };
    function named(Original) {
      return function (props) {
        return h("label", {className: "standpoint-field"},
                 h("span", {className: "standpoint-hidden"}, props.description || "Value"),
                 h(Original, props));
      };
    }

    return {
      components: {
        // The request body editor, named (WCAG 4.1.2).
        TextArea: function (props) {
          return h("textarea", Object.assign({"aria-label": "Request body"}, props));
        },
        // Examples and answers, as plain text (the highlighter's colours fall
        // short of 4.5:1 contrast). The block scrolls when long, so it must be
        // reachable from the keyboard (WCAG 2.1.1).
        PlainTextViewer: function (props) {
          return h("pre", {className: "microlight " + (props.className || ""), tabIndex: 0},
                   props.children);
        }
      },
      wrapComponents: {
        // A parameter offered as a list of values (true/false, an enum) is a
        // <select> with no name of its own: label it with the parameter's name.
        JsonSchema_boolean: named,
        JsonSchema_string: function (Original) {
          var labelled = named(Original);
          return function (props) {
            var schema = props.schema;
            return h(schema && schema.get && schema.get("enum") ? labelled : Original, props);
          };
        },
        // The authorization dialog's close button is an icon alone: give it a name.
        CloseIcon: function (Original) {
          return function (props) {
            return h(system.React.Fragment, null, h(Original, props),
                     h("span", {className: "standpoint-hidden"}, "Close"));
          };
        },
        // A button's visible words are its name (WCAG 2.5.3): "Authorize" is not
        // announced as "Apply credentials", nor "Logout" as "Remove authorization".
        Button: function (Original) {
          return function (props) {
            if (typeof props.children !== "string" || !props["aria-label"]) {
              return h(Original, props);
            }
            return h(Original, Object.assign({}, props, {"aria-label": undefined}));
          };
        },
        // The server <select>'s <label> has no text: give it a name screen
        // readers announce (WCAG 4.1.2), without changing how it looks.
        Servers: function (Original) {
          return function (props) {
            return h("div", {className: "standpoint-servers"},
                     h("label", {htmlFor: "servers", className: "standpoint-hidden"}, "Server"),
                     h(Original, props));
          };
        }
      }
    };
  }

  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    // Never send the document to validator.swagger.io.
    validatorUrl: null,
    // Deep links put a link inside each operation's expand button (a focusable
    // element in another: WCAG 4.1.2); operation ids are shown instead.
    deepLinking: false,
    displayOperationId: true,
    syntaxHighlight: {activated: false},
    presets: [window.SwaggerUIBundle.presets.apis],
    plugins: [AccessiblePlugin],
    layout: "BaseLayout"
  });
})();
