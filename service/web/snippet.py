"""The embed code a newsroom pastes into an article: an iframe and a tiny
parent-side script that sets the iframe's height from the page's messages.

The same script is in the README and in every oEmbed answer; the browser tests
frame the README's snippet to prove it works.
"""

from __future__ import annotations

from markupsafe import Markup

# Resizes whichever iframe sent the message. It understands Standpoint's
# message and Datawrapper's, so either script works for either embed.
RESIZE_SCRIPT = (
    '<script>window.addEventListener("message",function(e){'
    'var d=e.data,h=d&&(d.type==="standpoint:resize"?d.height:'
    'd["datawrapper-height"]&&Object.values(d["datawrapper-height"])[0]);'
    'if(!(h>0))return;'
    'document.querySelectorAll("iframe").forEach(function(f){'
    'if(f.contentWindow===e.source)f.style.height=h+"px";});});</script>'
)


def iframe(src: str, title: str, width: int, height: int) -> Markup:
    return Markup(
        '<iframe src="{src}" title="{title}" width="{width}" height="{height}" '
        'style="width:100%;max-width:{width}px;border:0" loading="lazy"></iframe>'
    ).format(src=src, title=title, width=width, height=height)


def embed_code(src: str, title: str, width: int, height: int) -> str:
    return str(iframe(src, title, width, height)) + "\n" + RESIZE_SCRIPT

