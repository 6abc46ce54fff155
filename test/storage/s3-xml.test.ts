// S3's XML as servers write it: entities and character references decoded, values kept as the
// exact text (digits stay strings, spaces stay), lists always lists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseS3Xml, textOf, unquoteEtag, type XmlNode } from '../../lib/storage/s3-xml.ts';

test('text is kept exactly: entities, numeric references, leading zeros, spaces', () => {
  const doc = parseS3Xml(
    '<?xml version="1.0"?><ListBucketResult><Contents><Key> 007 &amp; caf&#233; &#x1F600; </Key>' +
      '<ETag>&quot;abc&quot;</ETag></Contents></ListBucketResult>',
  );
  const contents = (doc.ListBucketResult as XmlNode).Contents as readonly XmlNode[];
  assert.is(contents.length, 1, 'one <Contents> is still a list');
  assert.is(textOf(contents[0], 'Key'), ' 007 & café 😀 ');
  assert.is(unquoteEtag(textOf(contents[0], 'ETag')), 'abc');
  assert.is(textOf(contents[0], 'Size'), undefined);
});

test('an error body and a copy result are read the same way', () => {
  const err = parseS3Xml('<Error><Code>NoSuchKey</Code><Message></Message></Error>');
  assert.is(textOf(err.Error, 'Code'), 'NoSuchKey');
  assert.is(textOf(err.Error, 'Message'), '');
  const copy = parseS3Xml('<CopyObjectResult><ETag>"e1"</ETag></CopyObjectResult>');
  assert.is(unquoteEtag(textOf(copy.CopyObjectResult, 'ETag')), 'e1');
  assert.is(textOf(copy.Error, 'Code'), undefined);
});

test.run();
