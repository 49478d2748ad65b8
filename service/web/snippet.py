"""The embed code a newsroom pastes into an article: an iframe and a tiny
parent-side script that sizes it.

The iframe carries its starting heights by width (`data-standpoint-heights`,
measured: web/heights.py); the script gives each such iframe the height for
the width it has at once, so the article barely moves, then sets the real
height from the page's messages. The same script is in the README and in
every oEmbed answer; the browser tests frame the README's snippet.
"""

from __future__ import annotations

from markupsafe import Markup

# Starts each iframe at the height for its width (interpolated between the
# measured widths), then resizes whichever iframe sent a height message: it
# understands Standpoint's message and Datawrapper's, so either script works
# for either embed.
RESIZE_SCRIPT = (
    '<script>(function(){'
    'function start(f){var t=f.getAttribute("data-standpoint-heights");'
    'if(!t||f.style.height)return;var w=f.getBoundingClientRect().width,'
    'p=t.split(" ").map(function(s){return s.split(":").map(Number);}),h=p[p.length-1][1];'
    'for(var i=0;i<p.length;i++){if(w<=p[i][0]){h=i?p[i-1][1]+(p[i][1]-p[i-1][1])*'
    '(w-p[i-1][0])/(p[i][0]-p[i-1][0]):p[i][1];break;}}f.style.height=Math.round(h)+"px";}'
    'document.querySelectorAll("iframe[data-standpoint-heights]").forEach(start);'
    'window.addEventListener("message",function(e){'
    'var d=e.data,h=d&&(d.type==="standpoint:resize"?d.height:'
    'd["datawrapper-height"]&&Object.values(d["datawrapper-height"])[0]);'
    'if(!(h>0))return;'
    'document.querySelectorAll("iframe").forEach(function(f){'
    'if(f.contentWindow===e.source)f.style.height=h+"px";});});})();</script>'
)


def heights_attribute(heights: dict[int, int]) -> str:
    return " ".join(f"{width}:{height}" for width, height in sorted(heights.items()))


def iframe(src: str, title: str, width: int, height: int,
           heights: dict[int, int] | None = None) -> Markup:
    by_width = Markup(' data-standpoint-heights="{}"').format(heights_attribute(heights)) \
        if heights else Markup("")
    return Markup(
        '<iframe src="{src}" title="{title}" width="{width}" height="{height}"{by_width} '
        'style="width:100%;max-width:{width}px;border:0" loading="lazy"></iframe>'
    ).format(src=src, title=title, width=width, height=height, by_width=by_width)


def embed_code(src: str, title: str, width: int, height: int,
               heights: dict[int, int] | None = None) -> str:
    return str(iframe(src, title, width, height, heights)) + "\n" + RESIZE_SCRIPT
