// Package stepjson decodes a JSON object into a struct in steps, calling
// a function between its members and between the elements of its arrays,
// so a page's user interface can let the browser run while it decodes a
// big report: encoding/json compiled to WebAssembly decodes a few MB/s,
// and one Unmarshal of a big report would hold the main thread for
// hundreds of milliseconds.
//
// The result is json.Unmarshal's for the struct's fields, except that
// member names must match the field's name exactly (encoding/json also
// accepts other cases) and embedded structs are not expanded; members the
// struct does not name are skipped.
package stepjson

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
)

// Decode decodes the JSON object data into the struct v points to, calling
// step after each top-level member and after each element of a top-level
// array. step decides itself whether to yield (e.g. when a time budget is
// spent).
func Decode(data []byte, v any, step func()) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return errors.New("stepjson: Decode needs a pointer to a struct")
	}
	// One scan splits the members; decoding them into typed values (the
	// costly part, by reflection) is what goes in steps.
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return err
	}
	if members == nil {
		return errors.New("stepjson: not a JSON object")
	}
	step()
	s := rv.Elem()
	for i := range s.NumField() {
		field := s.Type().Field(i)
		name, ok := jsonName(field)
		if !ok {
			continue
		}
		raw, ok := members[name]
		if !ok {
			continue
		}
		fv := s.Field(i)
		if err := decodeMember(raw, fv, step); err != nil {
			return errors.New("stepjson: " + name + ": " + err.Error())
		}
		step()
	}
	return nil
}

// DecodeArray decodes the JSON array data into the slice v points to,
// calling step after each element.
func DecodeArray(data []byte, v any, step func()) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Slice {
		return errors.New("stepjson: DecodeArray needs a pointer to a slice")
	}
	return decodeMember(data, rv.Elem(), step)
}

// decodeMember decodes one member: an array element by element, anything
// else at once.
func decodeMember(raw json.RawMessage, fv reflect.Value, step func()) error {
	if fv.Kind() != reflect.Slice || fv.Type().Elem().Kind() == reflect.Uint8 {
		return json.Unmarshal(raw, fv.Addr().Interface())
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return err
	}
	if items == nil { // null
		fv.Set(reflect.Zero(fv.Type()))
		return nil
	}
	out := reflect.MakeSlice(fv.Type(), len(items), len(items))
	for j, item := range items {
		if err := json.Unmarshal(item, out.Index(j).Addr().Interface()); err != nil {
			return err
		}
		step()
	}
	fv.Set(out)
	return nil
}

// jsonName is the member name encoding/json uses for an exported field,
// and false for a field it leaves out.
func jsonName(f reflect.StructField) (string, bool) {
	if !f.IsExported() || f.Anonymous {
		return "", false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, true
}
