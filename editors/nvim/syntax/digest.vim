" Vim syntax file for paper digests (*.digest), default keywords and labels.
if exists('b:current_syntax')
  finish
endif

syn case match

" The digest's title: the first line (a heading there wins: defined later).
syn match digestTitle /\%1l^\S.*$/ contains=NONE

" In-file references: Paper3, Paper 3; no ASCII letter, digit or _ around.
syn match digestReference /\%([A-Za-z0-9_]\)\@<!Paper \=\d\+\%([A-Za-z0-9_]\)\@!/

" Links, found before references (a URL or [[...]] hides the references in it).
syn match digestUrl /https\=:\/\/\%([A-Za-z0-9._~:\/?#@!$&'*+,;=%-]\|([A-Za-z0-9._~:\/?#@!$&'*+,;=%-]*)\)*\%([.,;:!?'"]\)\@<!/
syn match digestNoScheme /\%([A-Za-z0-9._\/@:-]\)\@<!\%([A-Za-z0-9]\%([A-Za-z0-9-]*[A-Za-z0-9]\)\=\.\)\+[A-Za-z]\+\/[A-Za-z0-9._~:\/?#@!$&'*+,;=%-]*\%([.,;:!?'"]\)\@<!/
syn match digestAngleLink /<[A-Za-z][A-Za-z0-9+.-]*:[^<> \t]*>/
syn match digestMdLink /\[[^\[\]]*\]([^() \t]*\%(\s\+"[^"]*"\)\=)/ contains=digestMdLinkText,digestMdLinkUrl
syn match digestMdLinkText /\[\zs[^\[\]]*\ze\]/ contained
syn match digestMdLinkUrl /(\zs[^() \t]*/ contained
syn match digestWiki /\[\[[^\[\]]*\]\]/ contains=digestWikiTarget
syn match digestWikiTarget /\%(\[\[\)\@<=[^\[\]]*\%(\]\]\)\@=/ contained contains=digestWikiPaper
syn match digestWikiPaper /Paper \=\d\+/ contained

" Section labels at column 0 followed by : or ：.
syn match digestLabel /^\%(摘要原文\|Abstract\|中文总结\|Summary\|笔记\|Notes\|代码\|Code\|标签\|Tags\)[:：]/

" Paper headings: Paper1 Title, Paper 1: Title, Paper1：标题, Paper12.
syn match digestHeading /^Paper \=\d\+\%($\|\s\|[:：.]\).*$/ contains=digestHeadingKeyword,digestHeadingNumber
syn match digestHeadingKeyword /^Paper/ contained
syn match digestHeadingNumber /\%(^Paper \=\)\@<=\d\+/ contained

hi def link digestTitle Title
hi def link digestHeading Title
hi def link digestHeadingKeyword Statement
hi def link digestHeadingNumber Number
hi def link digestLabel Label
hi def link digestReference Identifier
hi def link digestWiki Delimiter
hi def link digestWikiTarget Underlined
hi def link digestWikiPaper Identifier
hi def link digestUrl Underlined
hi def link digestNoScheme Underlined
hi def link digestAngleLink Underlined
hi def link digestMdLink Delimiter
hi def link digestMdLinkText String
hi def link digestMdLinkUrl Underlined

let b:current_syntax = 'digest'
